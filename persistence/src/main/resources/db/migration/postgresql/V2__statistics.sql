-- The read side of the statistics (issue 4): written only by the projections in
-- io.switchboard.persistence.statistics, rebuilt from the journal on demand.

-- Offsets and pause flags of pekko-projection-jdbc 1.0 (lower-case schema), kept with the data
-- they describe so every batch commits its rows and its offset together.
CREATE TABLE IF NOT EXISTS "pekko_projection_offset_store" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key" VARCHAR(255) NOT NULL,
    "current_offset" VARCHAR(255) NOT NULL,
    "manifest" VARCHAR(4) NOT NULL,
    "mergeable" BOOLEAN NOT NULL,
    "last_updated" BIGINT NOT NULL,
    PRIMARY KEY("projection_name", "projection_key")
);
CREATE INDEX IF NOT EXISTS "projection_name_index" ON "pekko_projection_offset_store" ("projection_name");

CREATE TABLE IF NOT EXISTS "pekko_projection_management" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key" VARCHAR(255) NOT NULL,
    "paused" BOOLEAN NOT NULL,
    "last_updated" BIGINT NOT NULL,
    PRIMARY KEY("projection_name", "projection_key")
);

-- The projections read a tag's events after an offset (TaggedEvents): this index makes that a
-- range scan whatever the journal's length.
CREATE INDEX IF NOT EXISTS "event_tag_tag_event_idx" ON "event_tag" ("tag", "event_id");

-- One row per call, with every fact METRICS.md lists. Instants are epoch milliseconds (UTC).
CREATE TABLE stat_call_log (
    call_id VARCHAR(128) NOT NULL PRIMARY KEY,
    channel VARCHAR(16) NOT NULL,
    dialled_number VARCHAR(32),
    caller_number VARCHAR(32),
    answering_point VARCHAR(128),
    company VARCHAR(128),
    first_queue VARCHAR(128),
    queue VARCHAR(128),
    queues VARCHAR(1024),
    priority INTEGER NOT NULL,
    phase VARCHAR(16) NOT NULL,
    outcome VARCHAR(16),
    arrived_at BIGINT NOT NULL,
    virtual_start_at BIGINT,
    enqueued_at BIGINT,
    answered_at BIGINT,
    abandoned_at BIGINT,
    flow_out_at BIGINT,
    ended_at BIGINT,
    completed_at BIGINT,
    agent VARCHAR(128),
    agents VARCHAR(1024),
    offers INTEGER NOT NULL,
    ended_by VARCHAR(16),
    abandoned_phase VARCHAR(16),
    wait_ms BIGINT,
    talk_ms BIGINT,
    hold_ms BIGINT,
    wrap_up_ms BIGINT,
    service_level_threshold_ms BIGINT,
    short_abandon_threshold_ms BIGINT,
    closed_action VARCHAR(32),
    classification VARCHAR(64)
) WITH (fillfactor = 70);
-- Only columns that never change once written are indexed, so the updates of a call's row as
-- it goes on touch no index (on PostgreSQL they stay in their page: HOT updates). Queries of the
-- log are by period first.
CREATE INDEX stat_call_log_arrived ON stat_call_log (arrived_at);

-- Every offer of every call: who it rang at and how it ended.
CREATE TABLE stat_call_offer (
    call_id VARCHAR(128) NOT NULL,
    offer_id VARCHAR(128) NOT NULL,
    agent VARCHAR(128) NOT NULL,
    queue VARCHAR(128) NOT NULL,
    offered_at BIGINT NOT NULL,
    outcome VARCHAR(16),
    ended_at BIGINT,
    PRIMARY KEY (call_id, offer_id)
) WITH (fillfactor = 70);

-- 15-minute sums per queue, agent, company and answering point (IntervalCounts). Each
-- projection slice (source) adds to its own rows, so slices never contend for a row; readers
-- sum over the sources.
CREATE TABLE stat_interval (
    dimension VARCHAR(16) NOT NULL,
    dimension_key VARCHAR(128) NOT NULL,
    interval_start BIGINT NOT NULL,
    source VARCHAR(32) NOT NULL,
    arrived BIGINT NOT NULL DEFAULT 0,
    offered BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    answered_within_threshold BIGINT NOT NULL DEFAULT 0,
    abandoned BIGINT NOT NULL DEFAULT 0,
    abandoned_within_threshold BIGINT NOT NULL DEFAULT 0,
    short_abandoned BIGINT NOT NULL DEFAULT 0,
    abandoned_within_15s BIGINT NOT NULL DEFAULT 0,
    abandoned_within_30s BIGINT NOT NULL DEFAULT 0,
    abandoned_within_60s BIGINT NOT NULL DEFAULT 0,
    abandoned_within_120s BIGINT NOT NULL DEFAULT 0,
    abandoned_within_300s BIGINT NOT NULL DEFAULT 0,
    abandoned_within_600s BIGINT NOT NULL DEFAULT 0,
    flow_outs BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    callbacks_requested BIGINT NOT NULL DEFAULT 0,
    total_wait_millis BIGINT NOT NULL DEFAULT 0,
    answer_wait_millis BIGINT NOT NULL DEFAULT 0,
    max_wait_millis BIGINT NOT NULL DEFAULT 0,
    handled BIGINT NOT NULL DEFAULT 0,
    talk_millis BIGINT NOT NULL DEFAULT 0,
    hold_millis BIGINT NOT NULL DEFAULT 0,
    wrap_up_millis BIGINT NOT NULL DEFAULT 0,
    offers_presented BIGINT NOT NULL DEFAULT 0,
    offers_declined BIGINT NOT NULL DEFAULT 0,
    offers_missed BIGINT NOT NULL DEFAULT 0,
    offers_withdrawn BIGINT NOT NULL DEFAULT 0,
    ready_millis BIGINT NOT NULL DEFAULT 0,
    reserved_millis BIGINT NOT NULL DEFAULT 0,
    busy_millis BIGINT NOT NULL DEFAULT 0,
    wrap_up_state_millis BIGINT NOT NULL DEFAULT 0,
    paused_millis BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dimension, dimension_key, interval_start, source)
) WITH (fillfactor = 70);
CREATE INDEX stat_interval_start ON stat_interval (interval_start);

-- Paused time per agent, interval and pause reason.
CREATE TABLE stat_pause_interval (
    agent VARCHAR(128) NOT NULL,
    interval_start BIGINT NOT NULL,
    reason VARCHAR(128) NOT NULL,
    paused_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agent, interval_start, reason)
) WITH (fillfactor = 70);

-- Where each agent's state stands, so the next event can close the time spent in it.
CREATE TABLE stat_agent_state (
    agent VARCHAR(128) NOT NULL PRIMARY KEY,
    logged_in BOOLEAN NOT NULL,
    ready BOOLEAN NOT NULL,
    pause_reason VARCHAR(128),
    contacts VARCHAR(2048) NOT NULL,
    status VARCHAR(16) NOT NULL,
    since BIGINT NOT NULL
) WITH (fillfactor = 70);

-- Billing counters per answering point and day of the centre (ANS-9); months are their sums.
CREATE TABLE stat_billing (
    answering_point VARCHAR(128) NOT NULL,
    billing_day DATE NOT NULL,
    source VARCHAR(32) NOT NULL,
    answered_voice BIGINT NOT NULL DEFAULT 0,
    answered_chat BIGINT NOT NULL DEFAULT 0,
    answered_email BIGINT NOT NULL DEFAULT 0,
    answered_sms BIGINT NOT NULL DEFAULT 0,
    answered_social BIGINT NOT NULL DEFAULT 0,
    messages_taken BIGINT NOT NULL DEFAULT 0,
    transferred_calls BIGINT NOT NULL DEFAULT 0,
    sms_sent BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (answering_point, billing_day, source)
) WITH (fillfactor = 70);
