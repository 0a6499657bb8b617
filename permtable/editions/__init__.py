"""The table lifecycle, used by ``bsscheck table``: reading Huawei's pages as users save them
(``page``, ``rows``), importing them into the bundled format (``page_import``, ``merge``,
``writer``), and comparing and checking table editions (``diff``, ``check``)."""
