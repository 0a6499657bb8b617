"""The table lifecycle, used by ``bsscheck table``: reading Huawei's pages as users save them
(``page``, ``rows``), importing them into the bundled format (``page_import``, ``merge``,
``writer``), and comparing and checking table editions (``diff``, ``check``)."""

# Days after which an edition in use is reported as old (--max-table-age); here, not in
# editions.age, so the option's default costs no import of the age checks at start-up.
DEFAULT_MAX_AGE_DAYS = 365
