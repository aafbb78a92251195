/**
 * Running demos, tools and child JVMs: the one command line every demo shares, child processes
 * that never outlive their parent and report to it in one tested format ({@code @lab} lines),
 * and keeping Kafka's log lines out of what a reader sees.
 */
package io.offsetlab.lab.run;
