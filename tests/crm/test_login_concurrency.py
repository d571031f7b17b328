"""Password checks take turns within a process: a crowd signing in at once does not spend
every thread on hashing (crm.auth.PASSWORD_CHECKS_AT_ONCE)."""

import threading
import time

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import RequestFactory

from crm.auth import PASSWORD_CHECKS_AT_ONCE
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class CountingHasher(MD5PasswordHasher):
    """MD5 that takes a while and notes how many checks run at the same moment."""

    algorithm = "counting_md5"
    lock = threading.Lock()
    running = 0
    most = 0

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.running += 1
            CountingHasher.most = max(CountingHasher.most, CountingHasher.running)
        try:
            time.sleep(0.05)
            return super().verify(password, encoded)
        finally:
            with CountingHasher.lock:
                CountingHasher.running -= 1


def test_six_logins_at_once_check_their_passwords_one_after_another(settings):
    settings.PASSWORD_HASHERS = ["tests.crm.test_login_concurrency.CountingHasher"]
    users = [UserFactory(crm_access=True) for _ in range(6)]
    results = {}

    def sign_in(user):
        request = RequestFactory().post("/accounts/login/")
        try:
            results[user.username] = authenticate(
                request, username=user.username, password="pw-for-tests-1"
            )
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=sign_in, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[user.username] == user for user in users)  # nobody turned away
    assert CountingHasher.most == PASSWORD_CHECKS_AT_ONCE == 1
