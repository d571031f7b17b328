"""OAuth 2.0 sign-in for mail accounts (Microsoft 365, Google): the provider registry,
the calls to the token endpoint, the services behind «Koble til», and XOAUTH2 for SMTP."""
