// Typed errors for the simulator's control surface (HTTP control API maps them to 4xx).

export class SimInputError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "SimInputError";
  }
}

export class UnknownShopError extends SimInputError {
  constructor(readonly shop: string) {
    super("unknown_shop", `Shop ${shop} does not exist in the simulator; create it first`);
    this.name = "UnknownShopError";
  }
}

export class NotFoundError extends SimInputError {
  constructor(what: string) {
    super("not_found", `${what} not found`);
    this.name = "NotFoundError";
  }
}
