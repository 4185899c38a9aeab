-- Claims read a run's pending rows through their own index (005), which holds nothing else. But
-- right after a big run starts, fresh statistics say nearly every row is pending, and then the
-- primary key (run, position) with a filter looks as cheap and is a little smaller: the planner takes
-- it, and each claim walks every row already claimed before it finds pending ones. At a million
-- recipients the first few hundred claims grew from 7 to 22 ms before the statistics of the next
-- ANALYZE turned the plan back.
--
-- The share of a status in the table is a passing figure that no plan should rest on: the indexes
-- are partial by status, and each query names the status whose index it needs. Without statistics on
-- the column the planner takes the default selectivity of an equality, small, and the partial index
-- wins whatever the table holds. Setting the column's type again (the same type) is what removes the
-- statistics already gathered; the three indexes that name the status are built again, and the check
-- constraint verified: 1.2 s for a million rows here, during which writes wait.
ALTER TABLE campaign_messages
  ALTER COLUMN status SET STATISTICS 0,
  ALTER COLUMN status TYPE text;
