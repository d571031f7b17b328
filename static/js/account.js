// «Min konto»: once django-otp-webauthn has stored a new passkey, show it (and, when the
// passkey was the sign-in's missing second step, go on to where the user was going).
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = new URLSearchParams(window.location.search).get("next");
  window.location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : window.location.pathname);
});
