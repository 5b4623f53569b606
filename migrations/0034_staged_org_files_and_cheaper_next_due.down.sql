DROP TRIGGER tasks_next_due_delete ON tasks;
DROP TRIGGER tasks_next_due_insert ON tasks;
DROP FUNCTION employee_cycles_next_due_deleted();
DROP FUNCTION employee_cycles_next_due_inserted();
CREATE TRIGGER tasks_next_due_insert_delete AFTER INSERT OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION employee_cycles_next_due();
DROP TABLE org_file_staged_chunks;
DROP TABLE org_file_staged;
