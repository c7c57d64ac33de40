"""Clinical records that clinic staff enter: models, writes, reads, forms, pages, transcription."""
