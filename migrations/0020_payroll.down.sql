DROP TABLE pay_lines, payroll_run_pages, payroll_runs, position_tpp, pay_leaves, pay_profiles,
    attendance_days, work_calendar, period_results, tpp_policies;
DROP FUNCTION pay_lines_append_only();
DROP FUNCTION tpp_policies_used();
