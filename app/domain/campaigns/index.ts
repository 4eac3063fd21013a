export * from "./errors";
export * from "./audience";
export * from "./offer";
export * from "./assignment";
export * from "./stats";
export * from "./verdict";
export { hashToUnit, murmur3String, murmur3X86_32 } from "./hash";
export { createSeededRandom, type SeededRandom } from "./random";
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile, studentTTwoSided } from "./distributions";
