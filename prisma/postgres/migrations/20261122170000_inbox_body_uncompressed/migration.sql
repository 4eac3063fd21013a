-- Webhook bodies (a few KB of JSON each) are stored out of line without pglz
-- compression: compressing every accepted delivery cost PostgreSQL more CPU than
-- the rest of its insert (accept alone 905-978 -> 1,179 deliveries/s on 2 cores,
-- docs/benchmarks.md), and inbox bodies take about 3x the disk in exchange.
-- Existing rows keep their form, new rows are written uncompressed.
-- (No semicolons in comments: the driver-adapter migrator splits on them.)
ALTER TABLE "WebhookInbox" ALTER COLUMN "rawBody" SET STORAGE EXTERNAL;
