DROP INDEX skp_items_parent_idx;
ALTER TABLE skp_items DROP COLUMN parent_goal_id, DROP COLUMN parent_seq, DROP COLUMN parent_skp_id;
DROP TABLE unit_goals;
