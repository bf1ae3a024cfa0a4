-- The screen pop reads a company's latest calls (issue 6, ANS-2).
CREATE INDEX stat_call_log_company ON stat_call_log (company, arrived_at);
