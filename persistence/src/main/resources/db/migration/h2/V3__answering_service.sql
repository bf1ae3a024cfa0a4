-- The answering service (issue 6). The screen pop reads a company's latest calls (ANS-2).
CREATE INDEX stat_call_log_company ON stat_call_log (company, arrived_at);

-- Messages taken for clients (ANS-6) and how their delivery stands, from the Message entities'
-- events: the customer portal and supervisors list them.
CREATE TABLE stat_message (
    message_id VARCHAR(64) NOT NULL PRIMARY KEY,
    answering_point VARCHAR(128) NOT NULL,
    company VARCHAR(128) NOT NULL,
    contact VARCHAR(64),
    recipient_name VARCHAR(200),
    call_id VARCHAR(128),
    caller_name VARCHAR(200),
    caller_number VARCHAR(32),
    caller_company VARCHAR(200),
    call_back VARCHAR(32) NOT NULL,
    text VARCHAR(4000) NOT NULL,
    taken_by VARCHAR(64),
    taken_at BIGINT NOT NULL,
    email_to VARCHAR(200),
    email_status VARCHAR(16),
    email_attempts INTEGER NOT NULL DEFAULT 0,
    sms_to VARCHAR(32),
    sms_status VARCHAR(16),
    sms_attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR(300)
);
CREATE INDEX stat_message_company ON stat_message (company, taken_at);

-- Calls of blocked callers (ANS-15), per answering point and day.
ALTER TABLE stat_billing ADD COLUMN blocked_calls BIGINT NOT NULL DEFAULT 0;

-- Every contact of every company with its redirect, for search across companies (ANS-1, ANS-13),
-- from the Company entities' events. search_text: " " + folded words, numbers and e-mail.
CREATE TABLE dir_contact (
    company VARCHAR(128) NOT NULL,
    contact_id VARCHAR(64) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    name VARCHAR(200) NOT NULL,
    title VARCHAR(200),
    department VARCHAR(200),
    phones VARCHAR(200),
    email VARCHAR(200),
    mobile VARCHAR(32),
    redirect_reason VARCHAR(16),
    redirect_until BIGINT,
    redirect_note VARCHAR(500),
    search_text VARCHAR(1000) NOT NULL,
    PRIMARY KEY (company, contact_id)
);
CREATE INDEX dir_contact_name ON dir_contact (name);
