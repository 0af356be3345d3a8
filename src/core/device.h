/* device.h — internal access to the device registry. */
#ifndef LOWP_CORE_DEVICE_H
#define LOWP_CORE_DEVICE_H

#include "backend.h"

/* The registry entry of device `index`, or NULL. */
const struct lowp_device_entry *lowp_device_entry_get(size_t index);

#endif
