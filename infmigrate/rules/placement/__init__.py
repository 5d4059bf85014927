"""File placement rules (codes ISO001-ISO019): where a package's files are copied and from
where they are loaded. Shared analyses: :mod:`._driver_store` (the plan that moves file
lists to DIRID 13 with every reference), :mod:`._copies` (what is copied where),
:mod:`._fixed_place` (consumers that look for a file in a fixed place), :mod:`._messages`."""
