-- Per-table and per-row storage of a SponsoredInMail PostgreSQL database (read-only; used for docs/decisions/0009-sizing.md).
-- Run: PGPASSWORD=sim psql -h 127.0.0.1 -U sim -d DB -f docs/sizing/sizes.sql
-- Divide the byte columns by the row counts printed below to get bytes per member / delivery / event.

\echo '== tables over 100 kB: heap (main fork), table (heap + TOAST + FSM + VM), indexes, total'
SELECT c.relname AS "table", c.reltuples::bigint AS est_rows,
       pg_relation_size(c.oid) AS heap_main, pg_table_size(c.oid) AS "table",
       pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 100000
ORDER BY total DESC;

\echo '== each index of the big tables'
SELECT relname AS "table", indexrelname AS "index", pg_relation_size(indexrelid) AS bytes
FROM pg_stat_user_indexes
WHERE relname IN ('Members', 'MemberOptOuts', 'Deliveries', 'EngagementEvents', 'Changes')
ORDER BY relname, indexrelname;

\echo '== row counts'
SELECT (SELECT count(*) FROM "Members") AS members, (SELECT count(*) FROM "MemberOptOuts") AS opt_outs,
       (SELECT count(*) FROM "Deliveries") AS deliveries, (SELECT count(*) FROM "EngagementEvents") AS events,
       (SELECT count(*) FROM "Changes") AS changes;

\echo '== Members: average row (pg_column_size), skills array, and how many heap pages hold a live row'
SELECT avg(pg_column_size(m.*))::int AS avg_row_bytes, avg(pg_column_size(m."SkillIds"))::int AS avg_skill_array_bytes,
       avg(cardinality(m."SkillIds"))::numeric(5, 1) AS avg_skills,
       count(DISTINCT (ctid::text::point)[0]) AS pages_with_rows,
       pg_relation_size('"Members"') / current_setting('block_size')::int AS pages_total
FROM "Members" m;

\echo '== change feed: payload bytes per kind (raw text, as stored after TOAST compression)'
SELECT "Kind", count(*) AS rows, sum(octet_length("Payload")) AS raw_bytes, sum(pg_column_size("Payload")) AS stored_bytes,
       sum(pg_column_size(c.*)) AS row_bytes,
       sum(CASE WHEN "Kind" = 'EngagementRecorded'
                THEN (length("Payload") - length(replace("Payload", '],[', ''))) / 3 + 1 END) AS engagement_events
FROM "Changes" c GROUP BY "Kind" ORDER BY raw_bytes DESC;
