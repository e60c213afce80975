"""StudyCircle application core: composition root, commands, queries, sync service, CLI."""
