//! trybuild cases for the schemalock derives live in `tests/ui`.
