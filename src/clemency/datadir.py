"""The folders of the data directory (``Settings.data_dir``) that hold what the database points
at, named once: the stored files, the bulk screening runs and the grant pages kept for queued
imports. A backup holds all of them; no command writes its output inside them.

Plumbing: imports nothing of Clemency's.
"""

from __future__ import annotations

DOCUMENTS = "documents"
"""Every file a ``Document`` row points at: uploads, support letters, exhibits, packets."""

SCREENING_RUNS = "screening-runs"
"""One folder per bulk screening run: the uploaded roster and the results."""

GRANT_IMPORTS = "grant-imports"
"""Grant pages kept for queued imports, named by their SHA-256."""

STORED_FOLDERS = (DOCUMENTS, SCREENING_RUNS, GRANT_IMPORTS)
"""What a backup holds, in this order, and what a restore puts back."""
