/**
 * Showing offsets on a terminal: a partition's log with its four offsets marked (§1), tables
 * as Kafka's tools print them, events on a time axis (§4), all within 100 columns.
 */
package io.offsetlab.lab.view;
