ALTER TABLE t ADD CONSTRAINT ck_x CHECK (a > 0 AND b IN ('x', 'y'));
