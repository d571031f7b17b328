"""Writes for linked e-mail, one module per concept:

- ``accounts``: a user's IMAP accounts (save, delete, «Lagre og test»);
- ``storing``: storing parsed messages once each, with their copies and attachments;
- ``linking``: linking stored messages to contacts by address, onto their timelines;
- ``sending``: writing an e-mail on the card: stored, linked and queued at once;
- ``outbox``: the worker's attempts at sending it (SMTP, the Sent folder, retries,
  recovering what a stopped worker left);
- ``email_lock``: «Sperr tilgang», locking a contact's e-mail to administrators;
- ``sync``: reading new messages from the accounts' IMAP folders in chunks;
- ``backfill``: collecting the mail a sync passed over, once a contact has its address;
- ``locks``: the PostgreSQL advisory locks that keep syncs and linkings apart.

Import from the module that does the work; this package re-exports nothing.
"""
