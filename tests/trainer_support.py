"""The test trainer account's credentials (tests/conftest.py hands them to every test through the
environment the CLI reads; GUI tests log in with them). Imported by tests, never collected."""

TEST_TRAINER = "Test Trainer"
TEST_PASSPHRASE = "correct horse battery staple"
