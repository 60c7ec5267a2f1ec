-- revision: b2
-- down_revision: a1, a2
-- message: Trigger with BEGIN END and strings; 'quoted; semicolon'
-- branch_labels: feature
-- depends_on: x9
-- transactional: false
-- allow: destructive
-- created: 2025-10-06T12:00:00Z

-- migrate:upgrade
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET v = 'a;b' WHERE id = new.id; /* ; */
  INSERT INTO log VALUES ("x;y"); -- ;
END;
ALTER TABLE "a ""b""" ALTER COLUMN [c d] TYPE REAL
-- migrate:downgrade
