-- Subject-predicate-object statements about entities ("Mara / sister_of / Ilan").
CREATE TABLE facts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id         uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    subject_id       uuid NOT NULL REFERENCES entities ON DELETE CASCADE,
    predicate        text NOT NULL,
    object_entity_id uuid REFERENCES entities ON DELETE CASCADE,
    object_text      text,
    confidence       real NOT NULL DEFAULT 1,
    canon_layer      varchar(20) NOT NULL DEFAULT 'PRIMARY',
    source_chunk_id  uuid REFERENCES chunks ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT facts_object_present CHECK (object_entity_id IS NOT NULL OR object_text IS NOT NULL),
    CONSTRAINT facts_confidence_range CHECK (confidence >= 0 AND confidence <= 1)
);

CREATE INDEX facts_subject_id_predicate_idx ON facts (subject_id, predicate);
CREATE INDEX facts_object_entity_id_idx ON facts (object_entity_id);
CREATE INDEX facts_vault_id_canon_layer_idx ON facts (vault_id, canon_layer);
