"""Operations: online backups of the database and uploads, their retention, and restoring them."""
