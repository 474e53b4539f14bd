-- reelgraph's own tables. Applied at every start; every statement is idempotent.
-- LangGraph's checkpoint tables are created by PostgresSaver.setup(), not here.

-- Users, in the shape Chainlit's data layer reads and writes (quoted camelCase columns), so
-- the chat, the command line and the server share one table. Videos belong to an identifier.
CREATE TABLE IF NOT EXISTS users (
    "id"         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    "identifier" text NOT NULL UNIQUE,
    "metadata"   jsonb NOT NULL DEFAULT '{}',
    "createdAt"  text DEFAULT (now()::text)
);

CREATE TABLE IF NOT EXISTS videos (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users ("identifier"),
    prompt     text NOT NULL,
    title      text,
    options    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS videos_user_idx ON videos (user_id, created_at DESC);
-- title_given: the user named the title when creating the video (the HTTP API's "title"); it
-- is kept as is. Otherwise the title follows the main branch's spec.
ALTER TABLE videos ADD COLUMN IF NOT EXISTS title_given boolean NOT NULL DEFAULT false;

-- A branch is one LangGraph thread. main has no parent; a fork records where it came from.
CREATE TABLE IF NOT EXISTS branches (
    video_id           text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    name               text NOT NULL,
    thread_id          text NOT NULL UNIQUE,
    parent             text,
    fork_checkpoint_id text,
    fork_phase         text,
    status             text NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'paused', 'complete', 'failed')),
    phase              text,
    error              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (video_id, name)
);

-- Versioned artifacts: one row per (video, logical name, content). Versions count per video
-- and name across all branches; the blob itself is content-addressed in the store.
CREATE TABLE IF NOT EXISTS artifacts (
    id         text PRIMARY KEY,
    video_id   text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    name       text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    key        text NOT NULL,
    sha256     text NOT NULL,
    mime       text NOT NULL,
    size_bytes bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (video_id, name, version),
    UNIQUE (video_id, name, sha256)
);

-- The generation memo: a call's key (provider, model, parameters, input hashes) → its output.
-- prediction_id holds a paid prediction's id from the moment it is created.
CREATE TABLE IF NOT EXISTS generations (
    key           text PRIMARY KEY,
    provider      text NOT NULL,
    model         text NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    sha256        text,
    mime          text,
    prediction_id text,
    cost_usd      numeric(12, 6) NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per call, reused or not.
CREATE TABLE IF NOT EXISTS cost_events (
    id         bigserial PRIMARY KEY,
    video_id   text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    branch     text NOT NULL,
    phase      text NOT NULL,
    artifact   text NOT NULL,
    provider   text NOT NULL,
    model      text NOT NULL,
    units      numeric(12, 3) NOT NULL,
    unit       text NOT NULL,
    cost_usd   numeric(12, 6) NOT NULL,
    reused     boolean NOT NULL,
    gen_key    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS cost_events_video_idx ON cost_events (video_id, branch, phase);

-- Chainlit's data layer (SQLAlchemyDataLayer, chainlit 2.12): the chat's threads, steps,
-- elements and feedback, next to the videos. Columns are those chainlit 2.12 writes (read from
-- chainlit/data/sql_alchemy.py and the StepDict/ElementDict it inserts), quoted camelCase as it
-- spells them; a missing column makes its INSERT fail with only a warning. Users are `users`.
CREATE TABLE IF NOT EXISTS threads (
    "id"             uuid PRIMARY KEY,
    "createdAt"      text,
    "name"           text,
    "userId"         uuid REFERENCES users ("id") ON DELETE CASCADE,
    "userIdentifier" text,
    "tags"           text[],
    "metadata"       jsonb
);
CREATE INDEX IF NOT EXISTS threads_user_idx ON threads ("userId");

CREATE TABLE IF NOT EXISTS steps (
    "id"            uuid PRIMARY KEY,
    "name"          text NOT NULL,
    "type"          text NOT NULL,
    "threadId"      uuid NOT NULL REFERENCES threads ("id") ON DELETE CASCADE,
    "parentId"      uuid,
    "streaming"     boolean NOT NULL,
    "waitForAnswer" boolean,
    "isError"       boolean,
    "metadata"      jsonb,
    "tags"          text[],
    "input"         text,
    "output"        text,
    "createdAt"     text,
    "command"       text,
    "modes"         jsonb,
    "start"         text,
    "end"           text,
    "generation"    jsonb,
    "showInput"     text,
    "defaultOpen"   boolean,
    "autoCollapse"  boolean,
    "language"      text,
    "icon"          text
);
CREATE INDEX IF NOT EXISTS steps_thread_idx ON steps ("threadId");

CREATE TABLE IF NOT EXISTS elements (
    "id"           uuid PRIMARY KEY,
    "threadId"     uuid REFERENCES threads ("id") ON DELETE CASCADE,
    "type"         text,
    "url"          text,
    "chainlitKey"  text,
    "name"         text NOT NULL,
    "display"      text,
    "objectKey"    text,
    "size"         text,
    "page"         integer,
    "language"     text,
    "forId"        uuid,
    "mime"         text,
    "props"        jsonb,
    "autoPlay"     boolean,
    "playerConfig" jsonb
);
CREATE INDEX IF NOT EXISTS elements_thread_idx ON elements ("threadId");

CREATE TABLE IF NOT EXISTS feedbacks (
    "id"       uuid PRIMARY KEY,
    "forId"    uuid NOT NULL,
    "threadId" uuid REFERENCES threads ("id") ON DELETE CASCADE,
    "value"    integer NOT NULL,
    "comment"  text
);

-- Files a user uploaded through the HTTP API (POST /api/upload), e.g. product photos to pass
-- as a video's reference images. The bytes live in the artifact store, by content.
CREATE TABLE IF NOT EXISTS assets (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users ("identifier"),
    filename   text NOT NULL,
    mime       text NOT NULL,
    sha256     text NOT NULL,
    size_bytes bigint NOT NULL,
    width_px   integer NOT NULL,
    height_px  integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS assets_user_idx ON assets (user_id, created_at DESC);

-- The reference assets a video was created with.
CREATE TABLE IF NOT EXISTS video_assets (
    video_id text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    asset_id text NOT NULL REFERENCES assets (id),
    position integer NOT NULL,
    PRIMARY KEY (video_id, asset_id)
);
