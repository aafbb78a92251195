/**
 * Talking to Kafka: client configs (passwords masked when printed), topics, polling and
 * waiting with deadlines, reading offsets, broker settings, group coordinators and share groups through
 * Admin, and failures explained for the person at the terminal.
 */
package io.offsetlab.lab.client;
