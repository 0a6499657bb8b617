"""One module per command; cli.main imports only the one being run."""
