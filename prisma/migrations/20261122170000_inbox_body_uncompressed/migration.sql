-- PostgreSQL only: rawBody stored uncompressed (see prisma/postgres/migrations).
-- SQLite never compresses. Kept so that both engines list the same migrations.
SELECT 1;
