DROP TABLE applied_steps, audit_log, notification_outbox, tasks, payroll_postings, followups, appeals,
    feedback_sessions, evaluation_items, evaluations, skp_behaviours, skp_items, skp, employee_cycles,
    cycles, employees, positions, org_units;
