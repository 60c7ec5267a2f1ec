-- revision: a1
-- down_revision: none
-- message: crlf file

-- migrate:upgrade
CREATE TABLE t (id INTEGER);
-- migrate:downgrade
DROP TABLE t;
