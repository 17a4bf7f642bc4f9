package dev.cascade4j.agent.log.export;

/** Where an example's assistant answer came from, best first. */
public enum TrainingTarget {
    /** A person's correction attached as feedback. */
    CORRECTION,
    /** The large model's answer (the router escalated). */
    TEACHER,
    /** The SLM's own answer, kept by the router and not rated bad. */
    ACCEPTED
}
