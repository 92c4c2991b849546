skipseg_module(SkipSegProgramPlan
  DESCRIPTION "skipseg-plan: options and entry point (dataset checks, fingerprint and training plans)"
  DEPENDS SkipSegCommandLine
  PRIVATE_DEPENDS SkipSegPlanning
  TEST_DEPENDS SkipSegPlanning)
