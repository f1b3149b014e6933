"""The counsellor's web dashboard: sign-in and CSRF, pages and forms, the queries behind
them, charts, Dutch labels and the POP draft document."""
