-- Entity classification becomes PostgreSQL enums.
--
-- The VARCHAR(20) columns had collected every spelling the extractor ever produced ('character',
-- 'Place', 'ORG', ...). From now on the database only accepts the canonical labels, and the column
-- `type` (a keyword in half the languages that read this table) is renamed `entity_type`.
--
-- Before running this on a big vault: duplicates that only differ in the spelling of `type` must be
-- merged first (scripts/merge_entity_spellings.sql), or rebuilding the unique constraint fails.

CREATE TYPE entitytype AS ENUM ('CHARACTER', 'LOCATION', 'ORGANIZATION', 'ITEM', 'CONCEPT', 'EVENT');
CREATE TYPE canonlayer AS ENUM ('PRIMARY', 'ALTERNATE', 'DRAFT', 'RETCONNED');
CREATE TYPE canonstatus AS ENUM ('ACTIVE', 'DEPRECATED', 'PENDING');
CREATE TYPE nodesignificance AS ENUM ('PROTAGONIST', 'MAJOR', 'SUPPORTING', 'MINOR', 'MENTIONED');

ALTER TABLE entities RENAME COLUMN type TO entity_type;
ALTER TABLE entities RENAME CONSTRAINT entities_vault_id_name_type_key TO entities_vault_id_name_entity_type_key;
ALTER INDEX entities_vault_id_type_idx RENAME TO entities_vault_id_entity_type_idx;

-- A VARCHAR default cannot be cast to the enum in place: drop the defaults, convert, put them back.
ALTER TABLE entities
    ALTER COLUMN canon_layer DROP DEFAULT,
    ALTER COLUMN canon_status DROP DEFAULT,
    ALTER COLUMN significance DROP DEFAULT;

ALTER TABLE entities
    ALTER COLUMN entity_type TYPE entitytype USING (
        CASE upper(trim(entity_type))
            WHEN 'PERSON' THEN 'CHARACTER'
            WHEN 'PLACE' THEN 'LOCATION'
            WHEN 'ORG' THEN 'ORGANIZATION'
            WHEN 'OBJECT' THEN 'ITEM'
            ELSE upper(trim(entity_type))
        END
    )::entitytype,
    ALTER COLUMN canon_layer TYPE canonlayer USING upper(trim(canon_layer))::canonlayer,
    ALTER COLUMN canon_status TYPE canonstatus USING (
        CASE upper(trim(canon_status))
            WHEN 'PENDING_REVIEW' THEN 'PENDING'
            ELSE upper(trim(canon_status))
        END
    )::canonstatus,
    ALTER COLUMN significance TYPE nodesignificance
        USING coalesce(upper(trim(significance)), 'MENTIONED')::nodesignificance;

ALTER TABLE entities
    ALTER COLUMN canon_layer SET DEFAULT 'PRIMARY',
    ALTER COLUMN canon_status SET DEFAULT 'ACTIVE',
    ALTER COLUMN significance SET DEFAULT 'MENTIONED',
    ALTER COLUMN significance SET NOT NULL;

-- Facts carry a canon layer too.
ALTER TABLE facts ALTER COLUMN canon_layer DROP DEFAULT;
ALTER TABLE facts
    ALTER COLUMN canon_layer TYPE canonlayer USING upper(trim(canon_layer))::canonlayer;
ALTER TABLE facts ALTER COLUMN canon_layer SET DEFAULT 'PRIMARY';
