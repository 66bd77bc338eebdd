/* demodata.h - realistic made-up customers for the demo, the tests and the benchmarks.
 *
 * Customers of a State Grid branch in Hangzhou: Chinese personal names with the surnames'
 * real frequencies, about 15% companies, addresses in the city's real districts, 10-digit
 * account numbers, 22-digit meter asset numbers that share a prefix per installation batch,
 * contract capacities, feeder and transformer-area line names, supply voltages from 220V to
 * 110kV, and coordinates clustered in neighbourhoods (a few percent without any).
 *
 * Deterministic: customer i of seed S depends on nothing else, so the first N customers of a
 * larger set are the set of N, and every machine makes the same data. Account and meter
 * numbers are unique within a seed (up to DEMODATA_MAX customers). Its own PRNG
 * (splitmix64), never rand(). Knows nothing of screens; writes the store only through
 * data/customers.h. */
#ifndef GRIDWALK_DEMODATA_H
#define GRIDWALK_DEMODATA_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/customers.h"

#include <stdint.h>
#include <stdio.h>

#define DEMODATA_MAX 10000000u

/* Fills *out with customer number index (0-based, below DEMODATA_MAX) of seed's data set.
 * id is 0, coord_source "import" (or "" without coordinates), updated_at empty. */
void demodata_customer(uint64_t seed, uint64_t index, struct customer *out);

/* Writes customers 0..n-1 as CSV with the English header import-customers reads
 * (account,name,meter,capacity,address,line,voltage,lat,lon). GW_EIO on a write error;
 * GW_ETOOBIG when n is over DEMODATA_MAX. */
int demodata_write_csv(FILE *f, uint64_t seed, uint64_t n, struct err *e);

/* Upserts customers 0..n-1 into the store in one transaction (the import path). On failure
 * nothing is written. inserted (may be NULL) gets the number of new accounts. */
int demodata_to_store(struct db *db, uint64_t seed, uint64_t n, uint64_t *inserted, struct err *e);

#endif
