-- Serials are compared with letters and digits only (upper case): "WD-WX11A12B3456",
-- "wd wx11a12b3456" and "WDWX11A12B3456" are one serial. Recompute the stored forms of rows
-- written before (the separators drives and vendors use; the registry's own normalisation keeps
-- only letters and digits).
UPDATE drives SET serial_norm = UPPER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    serial, '-', ''), ' ', ''), '_', ''), '.', ''), '/', ''), ':', ''), '#', ''));
UPDATE certificates SET serial_norm = UPPER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    machine_serial, '-', ''), ' ', ''), '_', ''), '.', ''), '/', ''), ':', ''), '#', ''));
