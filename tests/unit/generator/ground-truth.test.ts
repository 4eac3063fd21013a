import { describe, expect, it } from "vitest";
import { createShop, type CustomerTruth } from "../../../dev/generator/index";

// BG/NBD population mean (Fader, Hardie & Lee 2005, eq. 9):
// E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))], a > 1.
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) return sum;
  }
  throw new Error("2F1 series did not converge");
}

function expectedRepeats(t: number, r: number, alpha: number, a: number, b: number): number {
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1Series(r, b, a + b - 1, z));
}

function meanAndStandardError(values: number[]): { mean: number; se: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
}

const shop = createShop({ size: 5000, seed: 2024 });
const params = shop.groundTruthParams();
const truths: CustomerTruth[] = [...shop.truth()].filter((t) => t.firstPurchaseAt !== null);

describe("ground truth of a 5k-customer shop (seed 2024)", () => {
  it("reports every customer exactly once", { timeout: 20_000 }, () => {
    const all = [...shop.truth()];
    expect(all).toHaveLength(5000);
    expect(new Set(all.map((t) => t.customerId)).size).toBe(5000);
    expect(truths.length).toBeGreaterThan(4990);
  });

  it("the series 2F1 reproduces a closed form: 2F1(1, 1; 2; z) = −ln(1 − z)/z", () => {
    expect(hyp2f1Series(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 10);
  });

  it("mean repeat purchases match the BG/NBD E[X(T)] of the true parameters", () => {
    const { r, alpha, a, b } = params.bgnbd;
    const residuals = truths.map((t) => t.repeatPurchases - expectedRepeats(t.ageWeeks, r, alpha, a, b));
    const { mean, se } = meanAndStandardError(residuals);
    const theory = truths.reduce((s, t) => s + expectedRepeats(t.ageWeeks, r, alpha, a, b), 0) / truths.length;
    expect(theory).toBeGreaterThan(1.5);
    expect(Math.abs(mean)).toBeLessThan(4 * se);
    expect(Math.abs(mean) / theory).toBeLessThan(0.08);
  });

  it("given each customer's latent λ and p, repeats match (1 − e^(−λpT))/p and survival matches e^(−λpT)", () => {
    const repeatResiduals = truths.map((t) => t.repeatPurchases - -Math.expm1(-t.lambda * t.p * t.ageWeeks) / t.p);
    const repeats = meanAndStandardError(repeatResiduals);
    expect(Math.abs(repeats.mean)).toBeLessThan(4 * repeats.se);
    const aliveResiduals = truths.map((t) => (t.alive ? 1 : 0) - Math.exp(-t.lambda * t.p * t.ageWeeks));
    const alive = meanAndStandardError(aliveResiduals);
    expect(Math.abs(alive.mean)).toBeLessThan(4 * alive.se);
    // Dead customers died at their last purchase, which is a repeat purchase.
    const badDeaths = truths.filter((t) => !t.alive && (t.diedAt?.getTime() !== t.lastPurchaseAt?.getTime() || t.repeatPurchases === 0));
    expect(badDeaths).toEqual([]);
  });

  it("latent traits follow their priors: E[λ] = r/α, E[p] = a/(a+b), E[ν] = q/γ", () => {
    const { r, alpha, a, b } = params.bgnbd;
    const { q, gamma } = params.gammaGamma;
    const checks: Array<[number[], number]> = [
      [truths.map((t) => t.lambda), r / alpha],
      [truths.map((t) => t.p), a / (a + b)],
      [truths.map((t) => t.nu), q / gamma],
    ];
    for (const [values, expected] of checks) {
      const { mean, se } = meanAndStandardError(values);
      expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
    }
  });

  it("order values follow Gamma-Gamma: drawn values average p/ν; realised merchandise stays within 10 % below", () => {
    const buyers = truths.filter((t) => t.purchases > 0);
    const residuals = buyers.map((t) => (t.meanDrawnValue as number) - t.expectedOrderValue);
    const { mean, se } = meanAndStandardError(residuals);
    expect(Math.abs(mean)).toBeLessThan(4 * se);
    const drawn = buyers.reduce((s, t) => s + (t.meanDrawnValue as number) * t.purchases, 0);
    const realised = buyers.reduce((s, t) => s + (t.meanMerchandiseValue as number) * t.purchases, 0);
    expect(realised / drawn).toBeGreaterThan(0.9);
    expect(realised / drawn).toBeLessThanOrEqual(1.02);
  });

  it("recency never exceeds age, and a purchase-free customer has no repeats", () => {
    const bad = truths.filter((t) => t.recencyWeeks > t.ageWeeks || (t.repeatPurchases === 0 && t.recencyWeeks !== 0));
    expect(bad.map((t) => t.customerId)).toEqual([]);
  });
});
