-- The dashboard shows manuscript length; counting words on every page load was too slow.
ALTER TABLE documents ADD COLUMN word_count integer NOT NULL DEFAULT 0;

UPDATE documents
SET word_count = coalesce(array_length(regexp_split_to_array(trim(body), '\s+'), 1), 0)
WHERE trim(body) <> '';
