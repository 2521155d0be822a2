"""Publishing what helps without harming anyone: aggregate tables of victims released with
k-anonymity or differential privacy (``tables``, ``release``), the privacy-budget ledger of
each data collection (``ledger``), and estimates of the hidden victim population (``mse``)."""
