"""Who is calling, and how a person signs in and out; one concern a module:

- `identity`: the principal of a request (a bearer token or the session cookie's token),
  resolved once per request, and `require_staff`;
- `sessions`: the encrypted session cookie, its key, the anti-forgery token;
- `same_origin`: the check that keeps a session cookie from being used by another
  site's form or script;
- `sign_in`: sign-in and sign-out for the API and the staff pages alike: the login
  throttle (in the database, publisher.services.login_throttle) and the audit trail.

Sessions are read and written by the staff code that needs them, not by a middleware:
a middleware would run on every device poll too, for nothing.
"""
