import { describe, expect, it } from "vitest";
import { createShop, SIZE_PRESETS } from "../../../dev/generator/index";

describe("streaming", () => {
  it("takes the first 1,000 events of the xlarge preset (250k customers) without building the shop", () => {
    const shop = createShop({ size: "xlarge", seed: 1 });
    expect(shop.config.customers).toBe(SIZE_PRESETS.xlarge);
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let lastAt = 0;
    for (const event of shop.events()) {
      lastAt = event.at.getTime();
      if (++count === 1000) break;
    }
    expect(count).toBe(1000);
    // 250k customers over ~2.4 years arrive at ~200/day: 1,000 events cover only days.
    expect(lastAt - shop.config.startMs).toBeLessThan(30 * 86_400_000);
    // Whole-shop materialisation would need gigabytes; a prefix needs a few MB of garbage at most.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(96 * 1024 * 1024);
  });

  it("the record stream of a shop is a lazy generator: breaking early stops the simulation", () => {
    const shop = createShop({ size: "large", seed: 2 });
    const iterator = shop.records();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value?.type).toBe("customer");
    expect(iterator.return(undefined).done).toBe(true);
  });
});
