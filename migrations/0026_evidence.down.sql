DROP INDEX tasks_open_feedback_idx;
DELETE FROM tasks WHERE kind = 'feedback_360';
DROP INDEX tasks_open_idx;
CREATE UNIQUE INDEX tasks_open_idx ON tasks (cycle_id, subject_nip, kind, assignee_role) WHERE done_at IS NULL;
DROP TABLE survey_responses;
DROP TABLE survey_links;
DROP TABLE feedback_answers;
DROP TABLE feedback_requests;
DROP TABLE activity_logs;
