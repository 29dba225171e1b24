-- A resumed wipe's certificate names the interrupted certificate it continues (certificate schema
-- 1.1, `continues`): kept as a column so the older certificate's page finds the newer one.
-- Certificates stored before carry no such field (schema 1.0), so NULL is their true value.
ALTER TABLE certificates ADD COLUMN continues TEXT;
CREATE INDEX certificates_continues ON certificates (continues);
