-- Coaching progress: one row per practice attempt and per quiz answer, by trainee name.
CREATE TABLE coach_attempts (
    id TEXT PRIMARY KEY,
    trainee TEXT NOT NULL,
    scenario TEXT NOT NULL,
    at BIGINT NOT NULL,
    score BIGINT NOT NULL,
    stance TEXT NOT NULL,
    -- Comma-separated criteria met and missed, and the risky cues found.
    met TEXT NOT NULL,
    missed TEXT NOT NULL,
    risky TEXT NOT NULL
);

CREATE INDEX coach_attempts_trainee ON coach_attempts (trainee, at);

CREATE TABLE coach_quiz (
    id TEXT PRIMARY KEY,
    trainee TEXT NOT NULL,
    item TEXT NOT NULL,
    at BIGINT NOT NULL,
    answer TEXT NOT NULL,
    truth TEXT NOT NULL
);

CREATE INDEX coach_quiz_trainee ON coach_quiz (trainee, at);
