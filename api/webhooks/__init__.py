"""Webhooks: an administrator's URL told of changes to contacts, companies, notes,
appointments and tasks, in the API's own JSON shapes, signed, queued and retried.

``events``   where the changes are heard (model signals, gathered per transaction)
``payloads`` the JSON of each event (the API's schemas; private notes never)
``services`` the writes: webhooks, deliveries, one signed attempt and its retry
``tasks``    the delivery on the task backend (``manage.py db_worker``)
"""
