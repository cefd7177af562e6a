-- Counters and scores were nullable "until the extractor fills them in"; the ranking code treated
-- NULL as 0 in some places and skipped the row in others. Make 0 the only way to say "nothing yet".
UPDATE entities
SET mention_count         = coalesce(mention_count, 0),
    importance_score      = coalesce(importance_score, 0),
    extraction_confidence = coalesce(extraction_confidence, 0)
WHERE mention_count IS NULL
   OR importance_score IS NULL
   OR extraction_confidence IS NULL;

ALTER TABLE entities
    ALTER COLUMN mention_count SET NOT NULL,
    ALTER COLUMN importance_score SET NOT NULL,
    ALTER COLUMN extraction_confidence SET DEFAULT 0,
    ALTER COLUMN extraction_confidence SET NOT NULL;
