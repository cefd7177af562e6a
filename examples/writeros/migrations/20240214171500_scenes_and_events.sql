-- The timeline: scenes in reading order, and the events that happen in them.
CREATE TABLE scenes (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id      uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    document_id   uuid REFERENCES documents ON DELETE SET NULL,
    sequence      integer NOT NULL,
    title         text,
    summary       text,
    location_id   uuid REFERENCES entities ON DELETE SET NULL,
    pov_entity_id uuid REFERENCES entities ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scenes_vault_id_sequence_key UNIQUE (vault_id, sequence)
);

CREATE TABLE events (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Global insertion order, for the change feed consumers page through.
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    vault_id    uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    scene_id    uuid REFERENCES scenes ON DELETE SET NULL,
    event_kind  text NOT NULL,
    description text NOT NULL,
    -- In-world time when the calendar maps onto real dates; many stories leave it NULL.
    occurred_at timestamptz,
    participant_ids uuid[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_seq_key UNIQUE (seq)
);

CREATE INDEX scenes_document_id_idx ON scenes (document_id);
CREATE INDEX events_vault_id_seq_idx ON events (vault_id, seq);
CREATE INDEX events_scene_id_idx ON events (scene_id);
CREATE INDEX events_participant_ids_gin ON events USING gin (participant_ids);
