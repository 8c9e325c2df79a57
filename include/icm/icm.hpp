// icm/icm.hpp - everything a host application needs, in one include.
//
//   plan.hpp         load and check a plan (diagnostics as values)
//   data.hpp         input tables, read from CSV files
//   dataset_builder.hpp  the same tables built from the host's own rows
//   run.hpp          run a plan: payouts, measures, control totals
//   explain.hpp      why a payee was paid what they were paid
//   report.hpp       the output files, written whole or not at all
//   decimal.hpp      the exact decimal every amount uses
//   calendar.hpp     dates and plan periods
//   diagnostics.hpp  errors and warnings with their place
#pragma once

#include "icm/calendar.hpp"
#include "icm/data.hpp"
#include "icm/dataset_builder.hpp"
#include "icm/decimal.hpp"
#include "icm/diagnostics.hpp"
#include "icm/explain.hpp"
#include "icm/plan.hpp"
#include "icm/report.hpp"
#include "icm/run.hpp"
