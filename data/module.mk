MODULES += data
data_SRCS := $(wildcard data/*.c)
data_PKGS := sqlite3 uuid
data_LDLIBS := -lm

UNIT_TESTS += test_db
test_db_SRCS := tests/unit/test_db.c
test_db_MODULES := data

UNIT_TESTS += test_customers
test_customers_SRCS := tests/unit/test_customers.c
test_customers_MODULES := data

UNIT_TESTS += test_tasks
test_tasks_SRCS := tests/unit/test_tasks.c
test_tasks_MODULES := data
