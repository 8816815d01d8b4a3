"""Ready solutions built from the tasks: the customer-service assistant first."""
